/** Every state of every page the pictures show (and the layout checks look at). */
import type { PageHarness, PageName } from '../helpers/page-harness';
import type { Rig } from './rig';
import { HOME_STATES } from './states-home';
import { ANCHOR_STATES, AUDIENCE_STATES } from './states-live';
import { CALL_STATES } from './states-call';
import { REPLAY_STATES } from './states-replay';

/** One state of one page: how to bring the page there with the fakes. */
export interface PictureState {
  /** File name of its picture (kebab-case, page first). */
  name: string;
  page: PageName;
  /** The README's picture of this state, saved as docs/screens/<docs>.png. */
  docs?: string;
  arrange(rig: Rig): Promise<PageHarness>;
}

/** All of them, page by page. */
export const STATES: PictureState[] = [
  ...HOME_STATES,
  ...ANCHOR_STATES,
  ...AUDIENCE_STATES,
  ...CALL_STATES,
  ...REPLAY_STATES,
];
