export { CommandPalette, isPaletteShortcut, PALETTE_TITLE, paletteShortcutLabel } from './components/command-palette';
