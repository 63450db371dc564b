// quick-start.mjs: change a password through User-Interactive Authentication.
// Run it with `node quick-start.mjs` after `npm i matrix-uia xstate`.
import { changePassword, createMatrixClient } from 'matrix-uia/fetch';
import { DEMO_ACCOUNT, demoConfig, startHomeserver } from 'matrix-uia/testing';

// A homeserver simulator on 127.0.0.1 with a demo account. Against a real server, use its URL
// and your access token instead.
const homeserver = await startHomeserver(demoConfig());
const client = createMatrixClient({ baseUrl: homeserver.url, accessToken: DEMO_ACCOUNT.accessToken });

await changePassword(client, { newPassword: 'a brand new horse' }, {
  handlers: {
    // The server asks for the current password; after a wrong one it is asked again, with the
    // server's reason in p.error.
    password: (p) => {
      if (!p.error) return 'a wrong guess';
      console.log(`The server said: ${p.error.message}`);
      return DEMO_ACCOUNT.password;
    },
  },
});
console.log('Password changed.');
await homeserver.close();
