/**
 * The real ZEGO SDKs under jest, as every contract test runs them: fake timers, the SDK's console quiet (it logs
 * while constructing, before setLogConfig can), and every timer it left cleared after each test (its retry and
 * heartbeat timers would keep Node alive for over a minute). `install` puts the fake phone (`wx` / `my`) in place.
 */
export function useSdkRig(install: () => void): void {
  beforeEach(() => {
    jest.useFakeTimers();
    install();
    for (const level of ['log', 'info', 'debug', 'warn', 'error'] as const) {
      jest.spyOn(console, level).mockImplementation(() => undefined);
    }
  });

  afterEach(() => {
    jest.clearAllTimers();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}
