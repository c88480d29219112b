import { bootWidget } from '@pcf/widget-kit';
import { ShopApp } from './ShopApp.tsx';
import { registerShopMethods } from './shop-methods.ts';
import { ShopStore } from './shop-store.ts';
import './shop.css';

bootWidget({
  name: 'shop',
  setup: (context) => {
    const store = new ShopStore(context);
    registerShopMethods(context, store);
    return store;
  },
  App: ShopApp,
});
