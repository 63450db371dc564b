// A React page with a password re-auth dialog on matrix-uia/react, built by Vite for production.
import { passwordStageMachine, type UiaRequestFn } from 'matrix-uia';
import { useInteractiveAuth } from 'matrix-uia/react';
import { createRoot } from 'react-dom/client';

const stages = { password: passwordStageMachine };

const request: UiaRequestFn<unknown> = async () => {
  throw new Error('not wired to a server in this build check');
};

function PasswordDialog() {
  const auth = useInteractiveAuth({ request, stages });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        auth.submitPassword(String(new FormData(e.currentTarget).get('password')));
      }}
    >
      <p>{auth.status}</p>
      <button type="button" onClick={() => auth.start()}>
        Start
      </button>
      <input name="password" type="password" disabled={auth.busy} />
      {auth.stageError ? <p role="alert">{auth.stageError.message}</p> : null}
    </form>
  );
}

createRoot(document.getElementById('root')!).render(<PasswordDialog />);
