/** The Kafka client port and its kafkajs adapter. */
export * from './client-port.js';
export * from './errors.js';
export { murmur2, toPositive, defaultPartition } from './murmur2.js';
export { createKafkaJsClient, KafkaJsClient, type KafkaJsClientConfig } from './kafkajs-adapter.js';
