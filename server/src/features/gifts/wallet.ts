/**
 * Buying points: the interface a deployment implements once its mini-program has WeChat's virtual payment
 * (小程序虚拟支付, `wx.requestVirtualPayment`): WeChat requires it for anything bought for money in a mini-program,
 * 打赏 and virtual gifts included (NEXT-FACTS 5), and plain WeChat Pay may not be used for them. Nothing here takes
 * money: the service ships with free and earned points only, and no route sells points until a PointsTopUp is wired.
 * See docs/gifts.md for the flow.
 */

/** A top-up order the deployment created with WeChat's virtual payment (its 代币 mode: points as a token). */
export interface TopUpOrder {
  /** The deployment's own order number (WeChat's `outTradeNo`). */
  orderId: string;
  userId: string;
  /** Points the order buys (a fixed ratio once published with WeChat). */
  points: number;
  /** What the app passes to wx.requestVirtualPayment (signData, paySig, signature: signed by the service). */
  paymentParams: Record<string, string>;
}

/** What a deployment with virtual payment provides; the service credits points only on a verified notification. */
export interface PointsTopUp {
  /** Creates an order for the user (the service signs it with the virtual-payment AppKey, never the app). */
  createOrder(userId: string, points: number): Promise<TopUpOrder>;
  /**
   * Verifies WeChat's payment notification (xpay_coin_pay_notify) and returns the paid order once, or null for a
   * notification that is not genuine or was handled before; the caller then credits the points in the ledger.
   */
  confirmPaid(notification: unknown): Promise<TopUpOrder | null>;
}
