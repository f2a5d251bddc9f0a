import type { handleUnaryCall } from '@grpc/grpc-js';
import { features, type ServerFeaturesModule, type SharedModule } from './proto.js';

/** The version a server of this shape would report; informative only, the client never checks it. */
const SERVER_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';

/**
 * ServerFeatures/GetSupportedMethods, answered like a real server: lower-case service
 * and method names, with the features the server attaches to reads. Without BatchAppend
 * the client falls back to Streams/Append.
 */
export const featuresHandler = (
  batchAppend: boolean,
): handleUnaryCall<SharedModule.Empty, ServerFeaturesModule.SupportedMethods> => {
  const method = (service: string, name: string, ...featureNames: string[]): ServerFeaturesModule.SupportedMethod =>
    new features.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(featureNames);
  const methods = [
    method(STREAMS, 'read', 'position', 'events'),
    method(STREAMS, 'append'),
    method(STREAMS, 'delete'),
    method(STREAMS, 'tombstone'),
    ...(batchAppend ? [method(STREAMS, 'batchappend')] : []),
    method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
  ];
  return (_call, callback) => {
    callback(null, new features.SupportedMethods().setEventStoreServerVersion(SERVER_VERSION).setMethodsList(methods));
  };
};
