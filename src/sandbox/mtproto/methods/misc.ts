// help.getConfig (this data centre's address).

import { Api } from '../gramjs.js';
import type { MethodTable } from './types.js';

export const miscMethods: MethodTable = {
  'help.getConfig': {
    login: false,
    run(_req: Api.help.GetConfig, ctx) {
      const now = ctx.world.now();
      return new Api.Config({
        date: now,
        expires: now + 3600,
        testMode: false,
        thisDc: ctx.endpoint.dcId,
        dcOptions: [new Api.DcOption({ id: ctx.endpoint.dcId, ipAddress: ctx.endpoint.host, port: ctx.endpoint.port })],
        dcTxtDomainName: 'sandbox.invalid',
        chatSizeMax: 200,
        megagroupSizeMax: 200000,
        forwardedCountMax: 100,
        onlineUpdatePeriodMs: 210000,
        offlineBlurTimeoutMs: 5000,
        offlineIdleTimeoutMs: 30000,
        onlineCloudTimeoutMs: 300000,
        notifyCloudDelayMs: 30000,
        notifyDefaultDelayMs: 1500,
        pushChatPeriodMs: 60000,
        pushChatLimit: 2,
        editTimeLimit: 172800,
        revokeTimeLimit: 2147483647,
        revokePmTimeLimit: 2147483647,
        ratingEDecay: 2419200,
        stickersRecentLimit: 200,
        channelsReadMediaPeriod: 604800,
        callReceiveTimeoutMs: 20000,
        callRingTimeoutMs: 90000,
        callConnectTimeoutMs: 30000,
        callPacketTimeoutMs: 10000,
        meUrlPrefix: 'https://t.me/',
        captionLengthMax: 1024,
        messageLengthMax: 4096,
        webfileDcId: ctx.endpoint.dcId,
      });
    },
  },
};
