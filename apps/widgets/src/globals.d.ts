/** The widget a coming-soon page stands for; set per page by build.ts (Vite `define`). */
declare const __PCF_WIDGET__: import('@pcf/widget-kit/protocol').WidgetName;
