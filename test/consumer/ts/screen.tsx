// A React screen on matrix-uia/react, type-checked strict under `moduleResolution: bundler`.
import { passwordStageMachine, type UiaRequestFn } from 'matrix-uia';
import { useInteractiveAuth } from 'matrix-uia/react';

const stages = { password: passwordStageMachine };

export function PasswordDialog({ request }: { request: UiaRequestFn<unknown> }) {
  const auth = useInteractiveAuth({ request, stages, autoStart: true });
  if (auth.status === 'done') return <p>Done</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        auth.submitPassword(String(new FormData(e.currentTarget).get('password')));
      }}
    >
      <input name="password" type="password" disabled={auth.busy} />
      {auth.stageError ? <p role="alert">{auth.stageError.message}</p> : null}
    </form>
  );
}
