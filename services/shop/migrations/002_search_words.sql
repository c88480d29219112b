-- Search speed. The trigram text (search_text) now keeps each folded word once, in first-occurrence order: the
-- name's words come first and adjacent, repeats (name fr = name en, words of both descriptions) are dropped.
-- pg_trgm builds trigrams word by word and ignores punctuation, so a query word matches exactly as before; the text
-- is about half as long, and word_similarity, computed for every candidate row and for ranking, costs about a
-- third. The repository writes it the same way (CatalogueRepository, SEARCH_WORDS).
UPDATE shop.products SET search_text = (
  SELECT coalesce(string_agg(d.word, ' ' ORDER BY d.n), '')
  FROM (
    SELECT w.word, min(w.n) AS n
    FROM regexp_split_to_table(search_text, '[^[:alnum:]]+') WITH ORDINALITY AS w(word, n)
    WHERE w.word <> ''
    GROUP BY w.word
  ) d
);

-- The catalogue without a search is listed newest first per club: an index in that order (the existing
-- products_club leads with category, so it could not serve it and every page sorted the club's whole catalogue).
CREATE INDEX products_club_created ON shop.products (partner_id, created_at, id);
