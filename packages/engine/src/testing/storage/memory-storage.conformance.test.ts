import { createMemoryStorage } from './memory-storage.js';
import { describeStorageConformance } from './conformance/index.js';

describeStorageConformance({
  name: 'memory',
  create: async () => {
    const storage = createMemoryStorage();
    return { storage, peek: storage.peek, cleanup: async () => {} };
  },
});
