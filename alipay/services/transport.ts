/** The live service's HTTP on Alipay: my.request and the platform's uploadFile as the shared api-client's transport. */
import type { HttpTransport } from '../../miniprogram/services/api-client';
import { platform } from './platform';

/** my.request (answering like wx's: statusCode, data) and the platform's my.uploadFile. */
export const alipayTransport: HttpTransport = {
  request: (options) =>
    new Promise((resolve, reject) => {
      my.request({
        url: options.url,
        method: options.method,
        // with a JSON content-type Alipay sends a string body as it is
        data: options.data === undefined ? undefined : JSON.stringify(options.data),
        headers: options.header,
        dataType: 'json',
        timeout: 10000,
        success: (res: { status: number; data: unknown }) =>
          resolve({ statusCode: res.status, data: res.data }),
        fail: (err: { errorMessage?: string; error?: number }) =>
          reject({ errMsg: err.errorMessage ?? `request:fail ${String(err.error ?? '')}` }),
      });
    }),
  upload: (url, filePath, name, header) => platform().uploadFile(url, filePath, name, header),
};
