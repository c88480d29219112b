/** Stylesheets are bundled and inlined by Vite (vite-plugin-singlefile). */
declare module '*.css';
