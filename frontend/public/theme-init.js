// Apply the stored or system theme before first paint (no flash of the wrong theme).
(function () {
  try {
    var stored = JSON.parse(localStorage.getItem('pulse-ui') || '{}').state || {};
    var theme = stored.theme || 'system';
    var dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
    document.documentElement.classList.toggle('dark', dark);
    document.documentElement.classList.toggle('light', !dark);
  } catch (e) {}
})();
