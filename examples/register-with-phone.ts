/**
 * Guide: email and msisdn verification (docs/guides/email-and-msisdn.md).
 *
 * Registering with a phone number (m.login.msisdn): when the stage comes, the homeserver texts a
 * code to the number. The app asks the user for it; the chart posts it to the `submit_url` the
 * server gave, then completes the stage with the validated number. A mistyped code is asked for
 * again, with the server's reason.
 */
import { createMatrixClient, register, type RegisterResponse } from 'matrix-uia/fetch';

export interface PhoneRegistrationUi {
  /** Asks for the code texted to `number`, again with `problem` when the last code was refused. */
  askSmsCode(number: string, problem: string | undefined): Promise<string>;
}

export function registerWithPhone(
  homeserverUrl: string,
  account: { username: string; password: string },
  phone: { country: string; number: string },
  ui: PhoneRegistrationUi,
): Promise<RegisterResponse> {
  const client = createMatrixClient({ baseUrl: homeserverUrl });
  return register(
    client,
    { username: account.username, password: account.password, initialDeviceDisplayName: 'Example app' },
    {
      // A phone number makes flows with m.login.msisdn acceptable; the SMS goes out when the stage comes.
      inputs: { phoneCountry: phone.country, phoneNumber: phone.number },
      handlers: {
        // `msisdn` is the number as the server formatted it, when its answer says.
        msisdnCode: ({ msisdn, error }) => ui.askSmsCode(msisdn ?? phone.number, error?.message),
      },
    },
  );
}
