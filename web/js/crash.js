// The crash overlay. A release build aborts on a panic (scripts/build.sh: panics are
// immediate aborts, without their message), which ends the wasm instance with a
// WebAssembly.RuntimeError; whatever called into it (an event, a frame, the start) reports it
// here. The page underneath stays as it was, and the overlay offers a way out: reload (the
// saved session is kept) or reset the session. A debug build's panic hook (web/src/main.rs)
// leaves the panic's message in <html data-panic>, shown here.
(() => {
  const show = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError) || document.querySelector('.crash-overlay')) return;
    const div = document.createElement('div');
    div.className = 'crash-overlay';
    div.setAttribute('role', 'alertdialog');
    div.dataset.testid = 'panic-overlay';
    div.innerHTML = '<h2>Something broke inside the playground · 플레이그라운드 내부 오류</h2>'
      + '<p>The simulation stopped at an internal error. Reloading keeps your saved session; resetting clears it.'
      + '<br>시뮬레이션이 내부 오류로 멈췄습니다. 다시 불러오면 저장된 세션이 유지되고, 초기화하면 지워집니다.</p>'
      + '<pre></pre><p><button>Reload · 다시 불러오기</button> <button>Reset the session · 세션 초기화</button></p>';
    div.querySelector('pre').textContent = document.documentElement.dataset.panic || String(error);
    const [reload, reset] = div.querySelectorAll('button');
    reload.onclick = () => location.reload();
    reset.onclick = () => { for (const k of ['kplay.session.v1', 'kplay.session.v1.groups']) localStorage.removeItem(k); location.replace(location.pathname); };
    document.body.append(div);
  };
  addEventListener('error', (e) => show(e.error));
  addEventListener('unhandledrejection', (e) => show(e.reason));
})();
