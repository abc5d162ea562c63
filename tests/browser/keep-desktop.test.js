// Issue 11, item 10 at desktop size (see keep-journey.js).
import { test } from 'node:test';
import { keepJourney } from './keep-journey.js';

test('typing is activity; who and where are remembered; drafts survive an idle sign-out (desktop)',
  () => keepJourney('desktop'));
