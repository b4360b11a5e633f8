/**
 * 遇到问题？: a sheet on every live page (anchor, audience, call) where a user says what went wrong; the report
 * carries the device's basic info and the app's last log lines (the live session's reportProblem).
 */
import { REPORT_DESCRIPTION_MAX } from '@zego-live/contract';
import { describeServiceError } from '../../utils/error-catalog';
import { liveSession } from '../stores/index';

/** The sheet's state as the page renders it. */
export interface ProblemSheet {
  open: boolean;
  text: string;
  sending: boolean;
  /** What happened to the last send: a thank-you, or why not. */
  result: string;
  failed: boolean;
  maxLength: number;
}

const CLOSED: ProblemSheet = {
  open: false,
  text: '',
  sending: false,
  result: '',
  failed: false,
  maxLength: REPORT_DESCRIPTION_MAX,
};

interface SheetPage {
  data: { problem: ProblemSheet };
  setData(data: Record<string, unknown>): void;
}

/** The Behavior that gives a live page its 遇到问题？ sheet (data `problem`, the on*Problem handlers). */
export const problemReportBehavior = Behavior({
  data: { problem: CLOSED },
  methods: {
    onOpenProblem(this: SheetPage) {
      this.setData({ problem: { ...CLOSED, open: true } });
    },
    onCloseProblem(this: SheetPage) {
      this.setData({ problem: CLOSED });
    },
    onProblemInput(this: SheetPage, e: WechatMiniprogram.Input) {
      this.setData({ 'problem.text': e.detail.value });
    },
    async onSendProblem(this: SheetPage) {
      const text = this.data.problem.text.trim();
      if (!text) {
        this.setData({ 'problem.result': '请先简单说说遇到了什么问题', 'problem.failed': true });
        return;
      }
      this.setData({ 'problem.sending': true, 'problem.result': '', 'problem.failed': false });
      try {
        await liveSession.reportProblem(text);
        this.setData({ problem: { ...CLOSED, open: true, result: '已收到，谢谢你的反馈！我们会尽快查看' } });
      } catch (error) {
        const { message } = describeServiceError(error);
        this.setData({
          'problem.sending': false,
          'problem.result': `没有发出去：${message}`,
          'problem.failed': true,
        });
      }
    },
  },
});
