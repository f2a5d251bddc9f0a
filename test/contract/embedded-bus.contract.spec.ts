import { createEmbeddedBus } from '../../infra/bus/embedded-bus.js';
import { describeCommandClientContract } from './command-client.contract.js';
import { describeRequestBusContract } from './request-bus.contract.js';

const open = async () => {
  const bus = createEmbeddedBus();
  return { bus, transport: bus, dispose: () => bus.close() };
};

describeRequestBusContract('embedded', open);
describeCommandClientContract('embedded bus', open);
