// The app shell: MobX strict mode for every store. Sessions, rooms and the engine live in stores/ and services/.
import { configure } from 'mobx-miniprogram';

configure({ enforceActions: 'observed' });

App<IAppOption>({
  globalData: {},
});
