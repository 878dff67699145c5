import Synchronization

/// A recorded run re-run live up to one of its epochs, ready to go on training.
public struct ForkResult: Sendable {
    /// The session, at the fork's epoch; its event stream holds nothing yet
    /// (the re-run's events are in ``events``).
    public let session: Session
    /// Every event the re-run published, in order: the new run's history.
    public let events: [Event]
    /// Why the re-run's record at the fork's epoch is not the recorded one,
    /// to the precision the file prints; nil when they are equal.
    public let mismatch: String?
}

/// Forks a recording: rebuilds a ``Session`` from the recorded config and
/// replays the recorded commands (lr, optimizer, device, reset) at their
/// epochs while stepping up to the fork's position.
///
/// Training is deterministic (same seed, same config, same commands at the
/// same epochs give the same numbers), so the re-run reaches the recorded
/// state; the result says so or says where it did not.
public enum RunFork {
    /// Re-runs `file` through `position` of `index`.
    /// - Parameters:
    ///   - sinks: attached before the start, so they see the whole re-run
    ///     (a ``Recorder`` for `--record` then writes a complete run file).
    ///   - progress: called with the epochs re-run so far, between batches.
    /// - Throws: a one-line error if the session cannot be rebuilt, a
    ///   recorded command is invalid, or the task was cancelled.
    public static func rerun(_ file: RunFile, index: RunIndex, through position: Int,
                             sinks: [any EventSink] = [],
                             progress: @Sendable (Int) -> Void = { _ in }) async throws(GradlabError) -> ForkResult {
        guard !index.records.isEmpty else { throw GradlabError("the recording has no epochs to fork from") }
        let position = index.clamp(position)
        let session = try Session(config: file.config)
        let collector = EventCollector(readsCurvature: file.events.contains { event in
            if case .epoch(let record) = event { return record.lambdaMax != nil }
            return false
        })
        await session.attach(collector)
        for sink in sinks { await session.attach(sink) }
        await session.start()

        var pending = 0
        var done = 0
        var sawFirstRecord = false
        func flush() async throws(GradlabError) {
            guard pending > 0 else { return }
            if Task.isCancelled { throw GradlabError("cancelled") }
            await session.step(pending)
            done += pending
            pending = 0
            progress(done)
        }
        for event in file.events.prefix(index.eventCounts[position]) {
            switch event {
            case .epoch(let record):
                // start() and reset() publish the epoch-0 records themselves.
                if !sawFirstRecord || record.epoch == 0 {
                    sawFirstRecord = true
                    continue
                }
                pending += 1
                if pending >= 64 { try await flush() }
            case .learningRate(_, let lr):
                try await flush()
                try await session.setLearningRate(lr)
            case .groupLearningRates(_, let lrs):
                try await flush()
                try await session.setGroupLearningRates(lrs)
            case .optimizer(_, let config):
                try await flush()
                try await session.setOptimizer(config)
            case .device(_, let name, _):
                // The start's device line is start()'s own.
                guard sawFirstRecord else { continue }
                try await flush()
                await session.setDevice(name)
            case .reset(_, let seed):
                try await flush()
                try await session.reset(seed: seed)
            case .divergence:
                continue
            case .function(_, let expression, let name, let domain):
                try await flush()
                try await session.setFunction(expression, name: name, domain: domain)
            case .pointAdded(_, let point):
                try await flush()
                try await session.addPoint(point)
            case .parameters(_, let values):
                try await flush()
                try await session.setParameters(values)
            case .configure(_, let points, let domain):
                try await flush()
                try await session.reconfigure(points: points, domain: domain)
            }
        }
        try await flush()

        let events = collector.events
        // Take the re-run's events off the stream, so whoever reads it next
        // (the live lab) sees only what happens after the fork.
        var iterator = session.events.makeAsyncIterator()
        for _ in 0..<events.count { _ = await iterator.next() }

        // The last epoch as published (with λmax when the recording has it).
        let latest = await session.latest
        let published = events.last { if case .epoch = $0 { return true } else { return false } }
            .flatMap { event -> EpochRecord? in if case .epoch(let record) = event { return record } else { return nil } }
        let rerun = published ?? latest
        let mismatch = describeMismatch(recorded: index.records[position], rerun: rerun, single: file.config.dtype == .f32)
        return ForkResult(session: session, events: events, mismatch: mismatch)
    }

    /// nil when the records print the same in a run file; otherwise the first
    /// field that differs, with both values.
    static func describeMismatch(recorded: EpochRecord, rerun: EpochRecord?, single: Bool) -> String? {
        guard let rerun else { return "the re-run produced no epoch" }
        if Event.epoch(recorded).jsonLine(single: single) == Event.epoch(rerun).jsonLine(single: single) { return nil }
        func text(_ record: EpochRecord, _ body: (inout JSONText, EpochRecord) -> Void) -> String {
            var json = JSONText(single: single)
            body(&json, record)
            return json.text
        }
        let fields: [(String, (inout JSONText, EpochRecord) -> Void)] = [
            ("epoch", { $0.raw(String($1.epoch)) }),
            ("loss", { $0.number($1.loss) }),
            ("trainLoss", { $0.number($1.trainLoss ?? .nan) }),
            ("testLoss", { $0.number($1.testLoss ?? .nan) }),
            ("params", { json, record in for param in record.params { json.raw(param.name + "="); json.numbers(param.values) } }),
            ("points", { json, record in for point in record.points ?? [] { json.numbers([point.x, point.y]) } }),
            ("lambdaMax", { $0.numbers($1.lambdaMax ?? []) }),
        ]
        for (name, body) in fields {
            let a = text(recorded, body), b = text(rerun, body)
            if a != b { return "\(name) \(b) re-run, \(a) recorded" }
        }
        return "the summary or divergence flag differs"
    }
}

/// Keeps every event a session publishes (synchronously, in order).
final class EventCollector: EventSink {
    private let stored = Mutex<[Event]>([])
    /// Whether the re-run computes λmax: when the recording has it, so its
    /// events are the recorded ones.
    let readsCurvature: Bool

    init(readsCurvature: Bool = false) {
        self.readsCurvature = readsCurvature
    }

    var events: [Event] { stored.withLock { $0 } }

    func receive(_ event: Event, config: LabConfig) {
        stored.withLock { $0.append(event) }
    }

    func finish(status: String) {}
}
