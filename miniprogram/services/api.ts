/**
 * The live service client on WeChat: the api-client's routes over wx.request (the only wrapper of it) and the
 * platform's uploadFile.
 */
import { API_BASE_URL } from '../config';
import { createApi, type HttpTransport } from './api-client';
import { platform } from './platform';

export * from './api-client';

/** wx.request and uploadFile as the api-client's transport. */
const wechatTransport: HttpTransport = {
  request: (options) =>
    new Promise((resolve, reject) => {
      wx.request({
        url: options.url,
        method: options.method,
        data: options.data,
        header: options.header,
        timeout: 10000,
        success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
        fail: reject,
      });
    }),
  upload: (url, filePath, name, header) => platform().uploadFile(url, filePath, name, header),
};

/** The live service's routes, typed. */
export const api = createApi(wechatTransport, API_BASE_URL);
