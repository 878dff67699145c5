/// A run file indexed once, so that any epoch of it can be shown at once.
///
/// A *position* is an index into ``records``, the epoch records in file
/// order. Every other event (lr, optimizer, device, reset, divergence)
/// belongs to a position: the epoch record before it, or for a `reset` the
/// epoch-0 record after it. "The state as of position p" is then the config
/// with every change at a position ≤ p applied, found by binary search, and
/// the loss history up to p is a slice, so seeking costs the same at epoch
/// 10 or 100,000 and nothing is re-parsed or re-applied.
///
/// A reset starts a new *segment*: epochs count from 0 again and the loss
/// history starts over, as in the live lab.
public struct RunIndex: Sendable {
    public let config: LabConfig
    /// Every epoch record, in file order.
    public let records: [EpochRecord]
    /// Loss per position.
    public let loss: [Double]
    /// Train and test loss per position (NaN where a record has none); nil
    /// when no record has one (every lab but `linear`).
    public let trainLoss: [Double]?
    public let testLoss: [Double]?
    /// The segments, as position ranges, in order.
    public let segments: [ClosedRange<Int>]
    /// Per position: which segment holds it.
    private let segmentOfPosition: [Int]
    /// Per position: how many of the file's events (a prefix of
    /// `RunFile.events`) make up the run up to and including it.
    public let eventCounts: [Int]
    private let learningRates: Timeline<Double>
    private let optimizers: Timeline<OptimizerConfig>
    private let devices: Timeline<Device>
    private let changes: Timeline<Event>
    private let functions: Timeline<FunctionChange>

    private struct Device: Sendable {
        var name: String
        var note: String?
    }

    /// Indexes `file` in one pass over its events.
    public init(_ file: RunFile) {
        config = file.config
        var records: [EpochRecord] = []
        var eventPositions: [Int] = []
        var pendingResets: [Int] = []
        var learningRates = Timeline<Double>(), optimizers = Timeline<OptimizerConfig>()
        var devices = Timeline<Device>(), changes = Timeline<Event>()
        var functions = Timeline<FunctionChange>()
        var resets: [Event] = []
        eventPositions.reserveCapacity(file.events.count)
        for (eventIndex, event) in file.events.enumerated() {
            let current = max(records.count - 1, 0)
            switch event {
            case .epoch(let record):
                records.append(record)
                let position = records.count - 1
                for pending in pendingResets { eventPositions[pending] = position }
                for reset in resets { changes.append(reset, at: position) }
                pendingResets.removeAll()
                resets.removeAll()
                eventPositions.append(position)
            case .reset:
                // Belongs to the epoch-0 record that follows it.
                pendingResets.append(eventIndex)
                resets.append(event)
                eventPositions.append(Int.max)
            case .learningRate(_, let lr):
                learningRates.append(lr, at: current)
                changes.append(event, at: current)
                eventPositions.append(current)
            case .groupLearningRates(_, let lrs):
                learningRates.append(lrs[0], at: current)
                changes.append(event, at: current)
                eventPositions.append(current)
            case .optimizer(_, let optimizer):
                optimizers.append(optimizer, at: current)
                learningRates.append(optimizer.lr, at: current)
                changes.append(event, at: current)
                eventPositions.append(current)
            case .device(_, let name, let note):
                devices.append(Device(name: name, note: note), at: current)
                // The start's device line is not news (the inspector shows its note).
                if !records.isEmpty { changes.append(event, at: current) }
                eventPositions.append(current)
            case .divergence, .pointAdded, .parameters, .configure:
                changes.append(event, at: current)
                eventPositions.append(current)
            case .function(_, let expression, let name, let domain):
                functions.append(FunctionChange(expression: expression, name: name, domain: domain), at: current)
                changes.append(event, at: current)
                eventPositions.append(current)
            }
        }
        self.records = records
        self.learningRates = learningRates
        self.optimizers = optimizers
        self.devices = devices
        self.changes = changes
        self.functions = functions

        // Events up to each position: positions only grow along the file.
        var counts = [Int](repeating: file.events.count, count: records.count)
        var eventIndex = 0
        for position in records.indices {
            while eventIndex < eventPositions.count, eventPositions[eventIndex] <= position { eventIndex += 1 }
            counts[position] = eventIndex
        }
        eventCounts = counts

        var segments: [ClosedRange<Int>] = []
        var segmentOf = [Int](repeating: 0, count: records.count)
        var start = 0
        for position in records.indices {
            if position > start, records[position].epoch == 0 {
                segments.append(start...(position - 1))
                start = position
            }
            segmentOf[position] = segments.count
        }
        if !records.isEmpty { segments.append(start...(records.count - 1)) }
        self.segments = segments
        segmentOfPosition = segmentOf

        loss = records.map(\.loss)
        trainLoss = records.contains { $0.trainLoss != nil } ? records.map { $0.trainLoss ?? .nan } : nil
        testLoss = records.contains { $0.testLoss != nil } ? records.map { $0.testLoss ?? .nan } : nil
    }

    /// The number of positions.
    public var count: Int { records.count }

    /// The last position (0 when there is none).
    public var lastPosition: Int { max(records.count - 1, 0) }

    /// `position` clamped to the recorded ones.
    public func clamp(_ position: Int) -> Int { min(max(position, 0), lastPosition) }

    /// The segment holding `position`: from its epoch-0 record to the last
    /// record before the next reset.
    public func segment(containing position: Int) -> ClosedRange<Int> {
        guard !segments.isEmpty else { return 0...0 }
        return segments[segmentOfPosition[clamp(position)]]
    }

    /// What the run looked like at `position`: its record and every change
    /// made up to it.
    public func state(at position: Int) -> ReplayState? {
        guard !records.isEmpty else { return nil }
        let position = clamp(position)
        let lr = learningRates.last(atOrBefore: position)?.value ?? config.optimizer.lr
        var optimizer = optimizers.last(atOrBefore: position)?.value ?? config.optimizer
        optimizer.lr = lr
        let device = devices.last(atOrBefore: position)?.value
        let change = changes.last(atOrBefore: position)
        var state = ReplayState(position: position, record: records[position], learningRate: lr, optimizer: optimizer,
                                device: device?.name ?? "", deviceNote: device?.note,
                                lastChange: change?.value, lastChangePosition: change?.position)
        let function = functions.last(atOrBefore: position)
        state.function = function?.value
        state.functionPosition = function?.position
        return state
    }

    /// How many points were dropped on the plane up to `position` in its
    /// segment (a reset clears them).
    public func droppedPoints(at position: Int) -> Int {
        let position = clamp(position)
        let start = segment(containing: position).lowerBound
        var count = 0
        for index in changes.positions.indices where changes.positions[index] >= start && changes.positions[index] <= position {
            if case .pointAdded = changes.values[index] { count += 1 }
        }
        return count
    }

    /// The position of `epoch`: in the segment of `current` when it holds that
    /// epoch, else in the first segment that does; nil when none does.
    public func position(ofEpoch epoch: Int, near current: Int) -> Int? {
        let home = segment(containing: current)
        if let found = find(epoch, in: home) { return found }
        for segment in segments where segment != home {
            if let found = find(epoch, in: segment) { return found }
        }
        return nil
    }

    /// Binary search by epoch in a segment (epochs grow along a segment).
    private func find(_ epoch: Int, in segment: ClosedRange<Int>) -> Int? {
        var low = segment.lowerBound, high = segment.upperBound
        while low <= high {
            let middle = (low + high) / 2
            let found = records[middle].epoch
            if found == epoch { return middle }
            if found < epoch { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// At most `limit` positions spread evenly over `range`, always including
    /// its last: the points of a long path worth drawing.
    public static func sample(_ range: ClosedRange<Int>, limit: Int) -> [Int] {
        let length = range.count
        guard length > limit, limit > 1 else { return Array(range) }
        let stride = (length + limit - 2) / (limit - 1)
        var positions = Array(Swift.stride(from: range.lowerBound, through: range.upperBound, by: stride))
        if positions.last != range.upperBound { positions.append(range.upperBound) }
        return positions
    }
}

/// The run as of one position of a ``RunIndex``.
public struct ReplayState: Sendable, Equatable {
    public var position: Int
    public var record: EpochRecord
    /// The learning rate in effect after this epoch (changes made at this
    /// epoch included; they apply from the next step).
    public var learningRate: Double
    /// The optimizer in effect, with ``learningRate``.
    public var optimizer: OptimizerConfig
    public var device: String
    public var deviceNote: String?
    /// The latest lr, optimizer, device, reset or divergence event at or
    /// before this position, and the position it belongs to.
    public var lastChange: Event?
    public var lastChangePosition: Int?
    /// The landscape's f as of this position, when `:f` changed it.
    public var function: FunctionChange?
    /// The position of the last record before ``function`` took over (nil: never changed).
    public var functionPosition: Int?

    /// The epoch shown (the record's).
    public var epoch: Int { record.epoch }
}

/// A landscape's f as a `function` event set it.
public struct FunctionChange: Sendable, Equatable {
    public var expression: String
    public var name: String?
    public var domain: [Double]

    public init(expression: String, name: String?, domain: [Double]) {
        self.expression = expression
        self.name = name
        self.domain = domain
    }
}

/// Values that change at positions, for "the value as of position p".
struct Timeline<Value: Sendable>: Sendable {
    private(set) var positions: [Int] = []
    private(set) var values: [Value] = []

    /// Appends a change; positions must not decrease.
    mutating func append(_ value: Value, at position: Int) {
        positions.append(position)
        values.append(value)
    }

    /// The last change at a position ≤ `position`.
    func last(atOrBefore position: Int) -> (position: Int, value: Value)? {
        // The first index whose position is greater, minus one.
        var low = 0, high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] <= position { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        return (positions[low - 1], values[low - 1])
    }
}
