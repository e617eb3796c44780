import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, expect } from 'vitest';

// React reports key, prop-type and act() problems through console.error: any one fails the test.
const original = console.error;
let errors: unknown[][] = [];

beforeEach(() => {
  errors = [];
  console.error = (...args: unknown[]) => {
    errors.push(args);
    original(...args);
  };
});

afterEach(() => {
  cleanup();
  console.error = original;
  expect(errors, 'console.error was called').toEqual([]);
});
