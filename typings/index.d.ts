/// <reference types="miniprogram-api-typings" />

/** What the App instance carries. Business state lives in the stores, not here. */
interface IAppOption {
  globalData: Record<string, never>;
}
