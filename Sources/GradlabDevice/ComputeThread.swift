import Foundation

/// A thread of its own for a Session's work: an actor whose executor this
/// is runs every job here, in order, off Swift's cooperative pool. Device
/// work then never blocks a pool thread (a million-point sweep takes
/// milliseconds), and a CUDA context made current here stays current.
///
///     actor Session {
///         nonisolated let thread = ComputeThread(name: "gradlab.session")
///         nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
///     }
///
/// The thread ends once the executor is released and its queue is empty.
public final class ComputeThread: SerialExecutor, @unchecked Sendable {
    private let queue: JobQueue

    public init(name: String) {
        let queue = JobQueue()
        self.queue = queue
        let executor = UnownedSerialExecutor(ordinary: self)
        let thread = Thread {
            // Named from inside: Foundation then names the OS thread too (profilers, debuggers).
            Thread.current.name = name
            while let job = queue.next() { job.runSynchronously(on: executor) }
        }
        thread.name = name
        // The scalar interpreter keeps a Program's values on the stack.
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit { queue.close() }

    public func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Whether the caller is this executor's thread.
    public var isCurrent: Bool { queue.thread == Thread.current }
}

/// Jobs waiting for a ``ComputeThread``, first in first out.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var closed = false
    private(set) var thread: Thread?

    func push(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The next job, waiting for one; nil once closed and drained.
    func next() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        if thread == nil { thread = Thread.current }
        while head == jobs.count {
            if closed { return nil }
            condition.wait()
        }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }

    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }
}
