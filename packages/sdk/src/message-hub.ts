type Handler = (event: MessageEvent) => void;

const handlers = new Set<Handler>();
const dispatch: Handler = (event) => {
  for (const handler of handlers) handler(event);
};

/** Adds a handler to the one window 'message' listener (installed while any mount needs it); returns its remover. */
export function listen(handler: Handler): () => void {
  if (handlers.size === 0) window.addEventListener('message', dispatch);
  handlers.add(handler);
  return () => {
    if (handlers.delete(handler) && handlers.size === 0) window.removeEventListener('message', dispatch);
  };
}
