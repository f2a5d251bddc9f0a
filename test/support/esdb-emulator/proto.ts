import { createRequire } from 'node:module';
import type * as AnyModule from 'google-protobuf/google/protobuf/any_pb.js';
import type * as CodeModule from '@eventstore/db-client/generated/code_pb.js';
import type * as EmptyModule from 'google-protobuf/google/protobuf/empty_pb.js';
import type * as ServerFeaturesGrpcModule from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type * as ServerFeaturesModule from '@eventstore/db-client/generated/serverfeatures_pb.js';
import type * as SharedModule from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusModule from '@eventstore/db-client/generated/status_pb.js';
import type * as StreamsGrpcModule from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as StreamsModule from '@eventstore/db-client/generated/streams_pb.js';

/*
 * The one place that loads generated protobuf code. Everything is required relative to
 * the client package itself, so the server builds replies with the very classes (and
 * the very google-protobuf instance) the client loads: its serializers check
 * `instanceof`, and google-protobuf keeps one global registry per process. The
 * declarations shipped beside the generated code type these modules.
 */
const clientRequire = createRequire(createRequire(import.meta.url).resolve('@eventstore/db-client/package.json'));

export const streams = clientRequire('./generated/streams_pb.js') as typeof StreamsModule;
export const streamsGrpc = clientRequire('./generated/streams_grpc_pb.js') as typeof StreamsGrpcModule;
export const shared = clientRequire('./generated/shared_pb.js') as typeof SharedModule;
export const rpcStatus = clientRequire('./generated/status_pb.js') as typeof StatusModule;
export const codes = clientRequire('./generated/code_pb.js') as typeof CodeModule;
export const features = clientRequire('./generated/serverfeatures_pb.js') as typeof ServerFeaturesModule;
export const featuresGrpc = clientRequire('./generated/serverfeatures_grpc_pb.js') as typeof ServerFeaturesGrpcModule;
export const protobufAny = clientRequire('google-protobuf/google/protobuf/any_pb.js') as typeof AnyModule;
export const protobufEmpty = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyModule;

export type {
  CodeModule,
  ServerFeaturesModule,
  SharedModule,
  StatusModule,
  StreamsGrpcModule,
  StreamsModule,
};
