import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { callTimeoutMs } from '../../deadline.ts';
import type { LivePush } from '../live-push.ts';

/** Posts through the WebSocket API's management endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`). */
export function createApiGatewayLivePush(endpoint: string, region: string): LivePush {
  const client = new ApiGatewayManagementApiClient({ endpoint, region });
  return {
    async post(connectionId, body) {
      try {
        await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: body }), {
          abortSignal: AbortSignal.timeout(callTimeoutMs(5_000)),
        });
        return 'sent';
      } catch (error) {
        if (error instanceof GoneException) return 'gone';
        throw error;
      }
    },
    async isOpen(connectionId) {
      try {
        await client.send(new GetConnectionCommand({ ConnectionId: connectionId }), {
          abortSignal: AbortSignal.timeout(callTimeoutMs(5_000)),
        });
        return true;
      } catch (error) {
        if (error instanceof GoneException) return false;
        throw error;
      }
    },
  };
}
