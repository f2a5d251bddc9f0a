import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { appendHandler } from './append.js';
import { batchAppendHandler } from './batch-append.js';
import { deleteHandler, tombstoneHandler } from './delete.js';
import { featuresHandler } from './features.js';
import { EventLog, metastreamOf } from './log.js';
import { featuresGrpc, streamsGrpc, type StreamsGrpcModule } from './proto.js';
import { readHandler } from './read.js';

/*
 * A stand-in for an EventStoreDB node that speaks the client's gRPC protocol over an
 * in-memory log, for tests only. It follows the server's public protos and source, not
 * the server itself: results obtained against it are results against the emulator.
 */

export interface EsdbEmulatorOptions {
  /** Advertise and serve Streams/BatchAppend, as servers since 21.10 do. Default true; false leaves clients on Streams/Append. */
  readonly batchAppend?: boolean;
  /** The server's MaxAppendSize in bytes (data + metadata + 2 × type length per event). Default 1 MiB, as on a real server. */
  readonly maxAppendSize?: number;
}

export interface EsdbEmulator {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  stop(): Promise<void>;
}

const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Matches the server's gRPC receive limit, above grpc-js's default of 4 MiB. */
const MAX_RECEIVE_MESSAGE_LENGTH = 16 * 1024 * 1024;

/** What a fresh server has already written: system events that `$all` readers must skip. */
const seedSystemEvents = (log: EventLog): void => {
  log.writeSystemEvent('$projections-$all', '$ProjectionsInitialized', '{}');
  log.writeSystemEvent('$user-admin', '$user', '{"loginName":"admin","fullName":"Event Store Administrator","groups":["$admins"]}');
  log.writeSystemEvent(metastreamOf('$user-admin'), '$metadata', '{"$acl":{"$w":"$admins","$d":"$admins","$mw":"$admins"}}');
};

export const startEsdbEmulator = async (options: EsdbEmulatorOptions = {}): Promise<EsdbEmulator> => {
  const batchAppend = options.batchAppend ?? true;
  const limits = { maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE };
  const log = new EventLog();
  seedSystemEvents(log);

  const server = new Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_LENGTH });
  server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: featuresHandler(batchAppend) });
  // Without BatchAppend the method is left unimplemented, as on a server that predates it.
  const streamsService: Omit<StreamsGrpcModule.IStreamsServer, 'batchAppend'> & UntypedServiceImplementation = {
    read: readHandler(log),
    append: appendHandler(log, limits),
    delete: deleteHandler(log),
    tombstone: tombstoneHandler(log),
  };
  if (batchAppend) streamsService['batchAppend'] = batchAppendHandler(log, limits);
  server.addService(streamsGrpc.StreamsService, streamsService);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error === null) resolve(boundPort);
      else reject(error);
    });
  });

  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    // Open subscriptions and BatchAppend calls never end by themselves: waiting for them would hang.
    stop: async () => {
      server.forceShutdown();
    },
  };
};
