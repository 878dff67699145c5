import Foundation

/// Direct manipulation (the TUI's mouse and `:` commands): points dropped on
/// the plane, a new f, a data lab's parameters set by a click, and the point
/// count or domain for the next reset. Each is logged for rewinds and sent
/// as an event, so a recording replays it and a fork re-runs it.
extension Session {
    /// The most points that can be dropped on one run.
    public static let droppedLimit = 64

    /// How many points have been dropped since the start or the last reset.
    public var droppedCount: Int { dropped.count }

    /// Adds a start point at `point` (landscape): it descends with the
    /// current optimizer from fresh state and joins the loss, the records
    /// and the inspector.
    public func addPoint(_ point: SIMD2<Double>) throws(GradlabError) {
        guard config.lab == .landscape else { throw GradlabError("points can be added to the landscape only") }
        guard point.x.isFinite, point.y.isFinite else { throw GradlabError("a point needs finite coordinates") }
        guard dropped.count < Self.droppedLimit else {
            throw GradlabError("at most \(Self.droppedLimit) dropped points; R or x starts over")
        }
        var single = config
        single.starts = [[point.x, point.y]]
        single.points = 1
        single.trackedPoints = 1
        let extra = try makeLab(single, device: computeDevice)
        Self.configure(extra, streaming: streaming, sinks: sinks)
        extra.measuresForInspector = false
        _ = try extra.startRecord()
        dropped.append(extra)
        rerun.commands.append((lab.epoch, .addPoint(point)))
        publish(.pointAdded(epoch: lab.epoch, point: point))
    }

    /// Replaces the landscape's f (`:f`): the points keep their positions
    /// (dropped ones too) and the epoch count; the optimizer state starts
    /// fresh, as for a new optimizer. `domain` is the plane's from now on.
    public func setFunction(_ expression: String, name: String?, domain: [Double]) throws(GradlabError) {
        guard config.lab == .landscape else { throw GradlabError("f: only the landscape has a function to change (a data lab's loss is its model's)") }
        guard LabConfig.isDomain(domain) else {
            throw GradlabError("f: the domain must be 4 finite numbers, min below max, max - min finite")
        }
        var next = config
        next.function = expression
        next.functionName = name
        next.domain = domain
        let rebuilt = try makeLab(next, device: computeDevice)
        try rebuilt.setParameterSnapshot(lab.parameterSnapshot, epoch: lab.epoch)
        var rebuiltDropped: [any Lab] = []
        for extra in dropped {
            var single = extra.config
            single.function = expression
            single.functionName = name
            single.domain = domain
            let fresh = try makeLab(single, device: computeDevice)
            try fresh.setParameterSnapshot(extra.parameterSnapshot, epoch: extra.epoch)
            rebuiltDropped.append(fresh)
        }
        lab = rebuilt
        Self.configure(lab, streaming: streaming, sinks: sinks)
        for extra in rebuiltDropped {
            Self.configure(extra, streaming: streaming, sinks: sinks)
            extra.measuresForInspector = false
        }
        dropped = rebuiltDropped
        config = next
        curvatureProbe = CurvatureProbe()
        rerun.commands.append((lab.epoch, .function(expression, name: name, domain: domain)))
        // The next epoch's record is the first on the new f (no record here:
        // one epoch, one record, as a replay and a fork count them).
        publish(.function(epoch: lab.epoch, expression: expression, name: name, domain: domain))
    }

    /// Sets a data lab's parameters by name (a click on its loss plane),
    /// keeping the optimizer state.
    public func setParameters(_ values: [NamedValues]) throws(GradlabError) {
        guard config.lab != .landscape else { throw GradlabError("the landscape's parameters are its points (a click adds one)") }
        var snapshot = lab.parameterSnapshot
        let names = config.parameterNames
        guard snapshot.count == names.count else { throw GradlabError("this lab's parameters cannot be set one by one") }
        for value in values {
            guard let index = names.firstIndex(of: value.name), let number = value.values.first, number.isFinite else {
                throw GradlabError("unknown or non-finite parameter '\(value.name)' (names: \(names.joined(separator: ", ")))")
            }
            snapshot[index] = number
        }
        try lab.setParameterSnapshot(snapshot, epoch: lab.epoch)
        rerun.commands.append((lab.epoch, .parameters(values)))
        publish(.parameters(epoch: lab.epoch, values: values))
    }

    /// Changes the point count or the domain for the next reset (`:points`,
    /// `:domain`, followed by one).
    public func reconfigure(points: Int?, domain: [Double]?) throws(GradlabError) {
        var next = config
        if let points { next.points = points; next.starts = nil }
        if let domain { next.domain = domain }
        try next.validate()
        config = next
        publish(.configure(epoch: lab.epoch, points: points, domain: domain))
    }

    /// `:points`, `:domain`: restarts from the same seed with the new point
    /// count or domain, all or nothing. The lab is built first, so one that
    /// cannot be (more points than memory holds) leaves the run, its
    /// configuration and its recording as they were; then the `configure`
    /// event and the reset's follow, as ``reconfigure(points:domain:)`` and
    /// ``reset(seed:)`` would publish them.
    public func restart(points: Int?, domain: [Double]?) throws(GradlabError) {
        var next = config
        if let points { next.points = points; next.starts = nil }
        if let domain { next.domain = domain }
        try next.validate()
        let rebuilt = try makeLab(next, device: computeDevice)
        config = next
        publish(.configure(epoch: lab.epoch, points: points, domain: domain))
        install(rebuilt, config: next)
    }

    /// The start record of the lab and every dropped point, joined.
    func everyStartRecord() throws(GradlabError) -> EpochRecord {
        let main = try lab.startRecord()
        var extra: [EpochRecord] = []
        for point in dropped { extra.append(try point.startRecord()) }
        return joined(main, extra)
    }

    /// The next epochs of the lab and every dropped point (at least one, at
    /// most `count`: as many as the main lab runs in one block), joined
    /// epoch by epoch.
    func everyRecords(upTo count: Int) throws(GradlabError) -> [EpochRecord] {
        let main = try lab.runEpochs(upTo: count)
        var extra: [[EpochRecord]] = []
        for point in dropped {
            var records: [EpochRecord] = []
            while records.count < main.count { records += try point.runEpochs(upTo: main.count - records.count) }
            extra.append(records)
        }
        return main.indices.map { e in joined(main[e], extra.map { $0[e] }) }
    }

    /// The main lab's record with the dropped points' joined in: each
    /// group's points then its dropped ones; each group's loss the mean over
    /// all its points.
    func joined(_ main: EpochRecord, _ extra: [EpochRecord]) -> EpochRecord {
        guard !extra.isEmpty, let points = main.points else { return main }
        let groups = config.groups.count, count = Double(pointsPerGroup)
        let tracked = points.count / max(groups, 1)
        var record = main
        var merged: [SIMD2<Double>] = []
        merged.reserveCapacity(points.count + extra.count * groups)
        var groupLoss: [Double] = []
        for g in 0..<groups {
            merged += points[(g * tracked)..<((g + 1) * tracked)]
            var sum = (main.groupLoss?[g] ?? main.loss) * count
            for e in extra {
                merged.append(e.points.flatMap { g < $0.count ? $0[g] : nil } ?? SIMD2(.nan, .nan))
                sum += e.groupLoss?[g] ?? e.loss
            }
            groupLoss.append(sum / (count + Double(extra.count)))
        }
        record.points = merged
        record.loss = groupLoss.reduce(0, +) / Double(groupLoss.count)
        if groups > 1 {
            record.groupLoss = groupLoss
            record.diverged = groupLoss.allSatisfy { !$0.isFinite }
        } else {
            record.diverged = !record.loss.isFinite || !merged.allSatisfy { $0.x.isFinite && $0.y.isFinite }
        }
        return record
    }
}
