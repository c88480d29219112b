/** Generated SVG placeholders for seed products: jersey silhouettes and simple shapes in club colours. */

export interface ClubColours {
  primary: string;
  secondary: string;
  accent: string;
}

export type PlaceholderKind = 'jersey' | 'scarf' | 'cap' | 'ball' | 'card' | 'item';

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const JERSEY =
  'M150 40 L110 55 L60 90 L85 150 L110 138 L110 330 L290 330 L290 138 L315 150 L340 90 L290 55 L250 40 Q200 75 150 40 Z';

function shape(kind: PlaceholderKind, c: ClubColours, label: string): string {
  switch (kind) {
    case 'jersey':
      return `<path d="${JERSEY}" fill="${c.primary}" stroke="${c.accent}" stroke-width="6"/>
  <path d="M110 175 L290 175 L290 215 L110 215 Z" fill="${c.secondary}" opacity="0.9"/>
  <text x="200" y="290" font-size="64" text-anchor="middle" fill="${c.secondary}" font-family="Arial, sans-serif" font-weight="700">${escapeXml(label)}</text>`;
    case 'scarf':
      return `<rect x="70" y="150" width="260" height="70" rx="8" fill="${c.primary}"/>
  <rect x="140" y="150" width="40" height="70" fill="${c.secondary}"/><rect x="220" y="150" width="40" height="70" fill="${c.secondary}"/>
  <path d="M70 220 L70 250 M90 220 L90 250 M110 220 L110 250 M290 220 L290 250 M310 220 L310 250 M330 220 L330 250" stroke="${c.accent}" stroke-width="5"/>`;
    case 'cap':
      return `<path d="M100 230 Q100 110 200 110 Q300 110 300 230 Z" fill="${c.primary}"/>
  <path d="M90 230 L340 230 Q330 260 250 255 L90 245 Z" fill="${c.secondary}"/>
  <circle cx="200" cy="112" r="10" fill="${c.accent}"/>`;
    case 'ball':
      return `<circle cx="200" cy="190" r="120" fill="#ffffff" stroke="${c.primary}" stroke-width="8"/>
  <polygon points="200,140 245,172 228,225 172,225 155,172" fill="${c.primary}"/>
  <path d="M200 140 L200 75 M245 172 L305 150 M228 225 L265 280 M172 225 L135 280 M155 172 L95 150" stroke="${c.primary}" stroke-width="6"/>`;
    case 'card':
      return `<rect x="110" y="50" width="180" height="280" rx="16" fill="${c.primary}" stroke="${c.accent}" stroke-width="6"/>
  <circle cx="200" cy="150" r="55" fill="${c.secondary}"/>
  <text x="200" y="280" font-size="36" text-anchor="middle" fill="${c.secondary}" font-family="Arial, sans-serif" font-weight="700">NFT</text>`;
    default:
      return `<rect x="110" y="90" width="180" height="200" rx="24" fill="${c.primary}"/>
  <rect x="150" y="60" width="100" height="40" rx="10" fill="${c.secondary}"/>`;
  }
}

export function placeholderSvg(kind: PlaceholderKind, colours: ClubColours, label = ''): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 380" width="400" height="380">
  <rect width="400" height="380" fill="#10141c"/>
  ${shape(kind, colours, label)}
</svg>
`,
    'utf8',
  );
}
