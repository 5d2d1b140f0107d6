import PgwalkKit

/// `pgwalkctl walk --all --format json`: the schema `pgwalk.walk-all/1` of
/// docs/JSON.md. Each walked process's entry holds its whole
/// `pgwalk.walk/1` document under `walk`; it is written once the process
/// is done, so that a process that exits mid-way leaves no half document.
/// Kernel threads are only counted.
package final class AllProcessesWalkJSONRenderer {
    private let out: TextOutput
    private var first = true
    private var begun = false

    /// A renderer writing to `output`.
    package init(output: TextOutput) {
        self.out = output
    }

    /// The start of the document; written by the first entry or the end
    /// if not before, so that a run that fails before its first process
    /// prints nothing.
    package func begin() {
        guard !begun else { return }
        begun = true
        out.write("{\"schema\":\"pgwalk.walk-all/1\",\"processes\":[")
    }

    /// One process's entry; nothing for a kernel thread.
    package func process(_ entry: ProcessList.Entry, _ outcome: ProcessSweep.Outcome<CollectedWalk>) {
        var head = "{\"pid\":\(entry.pid),\"command\":\(JSON.string(entry.command))"
        switch outcome {
        case .done:
            head += ",\"result\":\"walked\",\"walk\":"
        case .skipped(.kernelThread):
            return
        case .skipped(let reason):
            head += ",\"result\":\"skipped\",\"reason\":\"\(reason.rawValue)\""
        case .failed(let error):
            head += ",\"result\":\"failed\",\"error\":\(JSON.string(String(describing: error)))"
        }
        begin()
        out.write((first ? "\n" : ",\n") + head)
        first = false
        if case .done(let walk) = outcome {
            Self.replay(walk, into: WalkJSONRenderer(output: out))
        }
        out.write("}")
    }

    /// The end of the document: the counts.
    package func end(_ counts: ProcessSweep.Counts) {
        begin()
        out.write("\n]," + AllProcessesVerifyRenderer.countsJSON(counts, done: "walked") + "}}\n")
        out.flush()
    }

    /// A collected walk through a renderer, VMAs and rows in the order a
    /// live walk gives them.
    static func replay(_ walk: CollectedWalk, into renderer: WalkRenderer) {
        renderer.begin(walk.description)
        var next = 0
        for vma in walk.vmas {
            renderer.vma(vma)
            while next < walk.rows.count, walk.rows[next].start < vma.end {
                renderer.row(walk.rows[next])
                next += 1
            }
        }
        renderer.end(status: walk.status)
    }
}
