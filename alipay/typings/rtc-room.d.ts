// What @mini-types/alipay does not declare: <rtc-room>'s context (ZEGO's Alipay sample and Alipay's MRTC docs).
declare namespace my {
  /** The context of a `<rtc-room id="...">` on the current page. */
  interface RtcRoomContext {
    stop(): void;
    enableCamera(options: { enable: boolean }): void;
    mute(options: { muted: boolean }): void;
  }
  function createRtcRoomContext(id: string): RtcRoomContext;
}
