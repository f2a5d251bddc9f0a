/** Runs tasks one after the other, whatever each one's outcome. */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export const createSerialQueue = (): SerialQueue => {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run: <T>(task: () => Promise<T>): Promise<T> => {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
};
