/** Small wx UI helpers shared by the live pages (UI only: no session logic). */

/** Opens WeChat's own update page where the client has it, else tells the user where to update. */
export function askToUpgradeWechat(doing: string): void {
  const explain = () =>
    wx.showModal({
      title: '请升级微信',
      content: `请在“我 - 设置 - 关于微信”中升级到最新版本后再${doing}`,
      showCancel: false,
    });
  if (typeof wx.updateWeChatApp === 'function') wx.updateWeChatApp({ fail: explain });
  else explain();
}
