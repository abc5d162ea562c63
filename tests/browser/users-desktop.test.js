// Issue 11, item 13 at desktop size (see users-journey.js).
import { test } from 'node:test';
import { usersJourney } from './users-journey.js';

test('user management scales: search, filter, sort, pages (desktop)', () => usersJourney('desktop'));
