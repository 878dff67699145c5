import Dispatch
import Foundation

extension BrailleCanvas {
    /// Many polylines, drawn as if one after another with ``plotPath(_:color:)``
    /// (later paths win a cell's colour), split across cores when there are
    /// enough points to pay for it.
    ///
    /// A thousand trajectories of a thousand points is a million points a
    /// frame; each core rasterizes a contiguous run of paths into its own
    /// dot grid, and the grids are merged in path order, so the result is
    /// identical to drawing sequentially.
    public mutating func plotPaths(_ paths: [(points: [SIMD2<Double>], color: Color)]) {
        let totalPoints = paths.reduce(0) { $0 + $1.points.count }
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        let chunks = min(cores, paths.count, totalPoints / Self.pointsPerParallelChunk)
        guard chunks > 1 else {
            for path in paths { plotPath(path.points, color: path.color) }
            return
        }
        // Register every colour first so all parts share one palette numbering.
        for path in paths { _ = paletteIndex(path.color) }

        var empty = self
        empty.dots = [UInt8](repeating: 0, count: dots.count)
        let blank = empty
        var parts = [BrailleCanvas](repeating: blank, count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own element.
            nonisolated(unsafe) let results = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                var canvas = blank
                let range = (paths.count * part / chunks)..<(paths.count * (part + 1) / chunks)
                for path in paths[range] { canvas.plotPath(path.points, color: path.color) }
                results[part] = canvas
            }
        }
        for part in parts { merge(part) }
    }

    /// Below this many points per core, threads cost more than they save.
    static let pointsPerParallelChunk = 100_000

    /// Adds another canvas's dots (same size and palette); its colour wins
    /// in every cell where it has a dot.
    mutating func merge(_ other: BrailleCanvas) {
        let dotColumns = glyphs.dotColumns, dotRows = glyphs.dotRows
        for row in 0..<height {
            for column in 0..<width where other.cellBits(column: column, row: row) != 0 {
                colorIndices[row * width + column] = other.colorIndices[row * width + column]
                let top = row * dotRows * dotWidth + column * dotColumns
                for dy in 0..<dotRows {
                    for dx in 0..<dotColumns {
                        let index = top + dy * dotWidth + dx
                        dots[index] |= other.dots[index]
                    }
                }
            }
        }
    }
}
