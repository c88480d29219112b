import { bootWidget, ComingSoon } from '@pcf/widget-kit';

bootWidget({ name: __PCF_WIDGET__, setup: () => null, App: ComingSoon });
