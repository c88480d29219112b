import { bootWidget, readUrlHints } from '@pcf/widget-kit';
import { WalletApp } from './WalletApp.tsx';
import { registerWalletMethods } from './wallet-methods.ts';
import { WalletStore } from './wallet-store.ts';
import './wallet.css';

bootWidget({
  name: 'wallet',
  setup: (context) => {
    const store = new WalletStore(context, readUrlHints(location.search).pay);
    registerWalletMethods(context, store);
    return store;
  },
  App: WalletApp,
});
