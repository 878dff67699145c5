/// A recording's per-epoch table as CSV (`gradlab export run.json --csv`),
/// for spreadsheets and plotting tools.
///
/// One row per epoch record, in file order (after a reset, `epoch` counts
/// from 0 again). Columns, present when the recording has them:
///
/// - `epoch`, `loss`
/// - `trainLoss`, `testLoss` (linear)
/// - `loss.g0`, `loss.g1`, ... (each `--compare` group's mean f) and `lr` (under a schedule)
/// - one column per parameter value: `weight`, `bias` / `a`, `b`, `c`
///   (`name.i` for a parameter with several values)
/// - landscape: `p0.x1`, `p0.x2`, `p1.x1`, … for the first `points` tracked
///   points (under `--compare`, each group's: `g0.p0.x1`, …, `g1.p0.x1`, …),
///   then `fMin`, `fMax`, `mean.x1`, `mean.x2` when the recording has
///   per-epoch summary statistics (more points than it tracked); under
///   `--compare` each group's (`g0.fMin`, …, `g1.fMin`, …)
///
/// Numbers are the run file's own text (shortest round trip; Float's for
/// f32 runs); NaN is `nan`; a value a row lacks is an empty cell.
public enum RunCSV {
    /// The whole table, header line first, each line ending in `\n`.
    /// - Parameter points: at most this many tracked points get columns.
    public static func table(_ index: RunIndex, points: Int = 10) -> String {
        let records = index.records
        let single = index.config.dtype == .f32
        var header = ["epoch", "loss"]
        if index.trainLoss != nil { header.append("trainLoss") }
        if index.testLoss != nil { header.append("testLoss") }
        // Under --compare: each optimizer group's mean f, and its learning rate under a schedule.
        let groups = index.config.compare?.count ?? 0
        header += (0..<groups).map { "loss.g\($0)" }
        let scheduled = records.contains { $0.lr != nil }
        if scheduled { header.append("lr") }
        // Parameter columns in first-appearance order, with their widths.
        var parameters: [(name: String, width: Int)] = []
        for record in records {
            for param in record.params {
                if let at = parameters.firstIndex(where: { $0.name == param.name }) {
                    parameters[at].width = max(parameters[at].width, param.values.count)
                } else {
                    parameters.append((param.name, param.values.count))
                }
            }
        }
        for (name, width) in parameters {
            header += width == 1 ? [name] : (0..<width).map { "\(name).\($0)" }
        }
        // Tracked points come group after group under --compare: each group's first ones.
        let pointGroups = max(groups, 1)
        let perGroup = (records.map { $0.points?.count ?? 0 }.max() ?? 0) / pointGroups
        let tracked = min(max(points, 0), perGroup)
        let columns = (0..<pointGroups).flatMap { g in (0..<tracked).map { (g, $0, g * perGroup + $0) } }
        for (g, i, _) in columns {
            let name = groups > 1 ? "g\(g).p\(i)" : "p\(i)"
            header += ["\(name).x1", "\(name).x2"]
        }
        let summaryNames = ["fMin", "fMax", "mean.x1", "mean.x2"]
        let summaries = records.contains { $0.summary != nil }
        if summaries { header += summaryNames }
        // Under --compare: each group's own summary (groupSummary).
        let groupSummaries = groups > 1 && records.contains { $0.groupSummary != nil } ? groups : 0
        header += (0..<groupSummaries).flatMap { g in summaryNames.map { "g\(g).\($0)" } }

        var text = header.joined(separator: ",") + "\n"
        text.reserveCapacity(records.count * header.count * 12)
        for record in records {
            var row = CSVRow(single: single)
            row.raw(String(record.epoch))
            row.number(record.loss)
            if index.trainLoss != nil { row.number(record.trainLoss) }
            if index.testLoss != nil { row.number(record.testLoss) }
            for g in 0..<groups { row.number(record.groupLoss.flatMap { g < $0.count ? $0[g] : nil }) }
            if scheduled { row.number(record.lr) }
            for (name, width) in parameters {
                let values = record.param(name) ?? []
                for i in 0..<width { row.number(i < values.count ? values[i] : nil) }
            }
            let recordPoints = record.points ?? []
            for (_, _, k) in columns {
                row.number(k < recordPoints.count ? recordPoints[k].x : nil)
                row.number(k < recordPoints.count ? recordPoints[k].y : nil)
            }
            if summaries { row.summary(record.summary) }
            for g in 0..<groupSummaries { row.summary(record.groupSummary.flatMap { g < $0.count ? $0[g] : nil }) }
            text += row.text
            text += "\n"
        }
        return text
    }
}

/// One CSV line being built.
private struct CSVRow {
    var text = ""
    let single: Bool
    private var first = true

    init(single: Bool) { self.single = single }

    mutating func raw(_ cell: String) {
        if !first { text += "," }
        first = false
        text += cell
    }

    /// fMin, fMax and the mean's x1 and x2; empty cells for nil.
    mutating func summary(_ summary: PointSummary?) {
        number(summary?.fMin)
        number(summary?.fMax)
        number(summary?.mean.x)
        number(summary?.mean.y)
    }

    /// The run file's number text; `nan` for NaN, empty for nil.
    mutating func number(_ value: Double?) {
        guard let value else { return raw("") }
        guard value.isFinite else { return raw(value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf")) }
        var json = JSONText(single: single, capacity: 24)
        json.number(value)
        raw(json.text)
    }
}
