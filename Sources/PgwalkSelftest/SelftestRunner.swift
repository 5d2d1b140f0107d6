#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import PgwalkKit
import SystemPackage

/// `pgwalkctl selftest`: runs each scenario program, walks it with the
/// module, checks the scenario's assertion on the module's view and
/// verifies it against pagemap; every system setting it changes is put
/// back after each scenario (and on any exit, see ``InterruptGuard``).
package struct SelftestRunner {
    package struct Options: Sendable {
        package var scenarios: [String] = ScenarioCatalog.names
        /// Apply the settings scenarios need (root only).
        package var setup = true
        package var binary: String
        /// Seconds a scenario may take to print `ready`.
        package var setupTimeout: Double = 120
        package var paths: ModulePaths = .default
        /// For the interruption test: once the first scenario's settings
        /// are applied, say so on stderr and wait for a signal, so that the
        /// test can interrupt at a known point instead of racing.
        package var holdAfterSetup = false

        package init(binary: String) { self.binary = binary }
    }

    package let options: Options
    package let settings: SystemSettings
    private let kernel = LiveKernelViews()

    package init(options: Options, settings: SystemSettings = SystemSettings()) {
        self.options = options
        self.settings = settings
    }

    /// Runs every selected scenario; `progress` sees each result as it comes.
    package func run(progress: (SelftestReport.Result) -> Void = { _ in }) -> SelftestReport {
        var out = SelftestReport(pagingLevels: PagingGeometry.ofRunningKernel(paths: options.paths).levels,
                                 kernelRelease: SystemReport.kernelRelease)
        for name in options.scenarios {
            let began = Clock.now
            var pages: UInt64 = 0
            let verdict = runOne(name, pagesVerified: &pages)
            out.restoreFailures += settings.restore()
            let result = SelftestReport.Result(name: name, verdict: verdict, seconds: Clock.now - began, pagesVerified: pages)
            out.results.append(result)
            progress(result)
        }
        out.settingsChanged = settings.history
        return out
    }

    private func runOne(_ name: String, pagesVerified: inout UInt64) -> ScenarioVerdict {
        guard let spec = ScenarioCatalog.named(name) else {
            return .fail("no assertion is known for scenario '\(name)'")
        }
        var setupNotes: [String] = []
        if options.setup {
            let setup = SystemSetup(settings: settings)
            for need in spec.needs { if let note = setup.apply(need) { setupNotes.append(note) } }
            if options.holdAfterSetup {
                _ = try? FileDescriptor.standardError.writeAll("selftest: settings applied, holding\n".utf8)
                while true { pause() }
            }
        }
        let process: ScenarioProcess
        do {
            process = try ScenarioProcess(binary: options.binary, scenario: name)
        } catch {
            return .fail("\(error)")
        }
        defer { process.stop() }
        var parser = ScenarioLayoutParser()
        do {
            try process.readLayout(into: &parser, deadline: Clock.now + options.setupTimeout)
        } catch {
            return .fail("set-up: \(error)")
        }
        let layout = parser.layout
        if case .skip(let reason) = layout.outcome {
            var text = reason
            if !setupNotes.isEmpty { text += " (\(setupNotes.joined(separator: "; ")))" }
            if !options.setup && !spec.needs.isEmpty { text += " (or run 'pgwalkctl selftest --setup' as root)" }
            return .skip(text)
        }
        do {
            let view = try ModuleViewReader.walk(pid: layout.pid, paths: options.paths)
            let view2 = try layout.pid2.map { try ModuleViewReader.walk(pid: $0, paths: options.paths) }
            var regionWalk: ModuleView?
            if let regionName = spec.walksRegionAlone, let region = layout.region(regionName) {
                regionWalk = try ModuleViewReader.walk(pid: layout.pid, start: region.start, end: region.end,
                                                       paths: options.paths)
            }
            let evidence = kernel.evidence(layout: layout, view: view, view2: view2, regionWalk: regionWalk)
            let note: String?
            do {
                note = try spec.check(evidence)
            } catch {
                return .fail(error.message)
            }
            for pid in [layout.pid] + (layout.pid2.map { [$0] } ?? []) {
                var verifyOptions = Verifier.Options(pid: pid)
                verifyOptions.paths = options.paths
                let verify = try Verifier(options: verifyOptions).run()
                pagesVerified += verify.pagesChecked
                if !verify.matches {
                    return .fail(Self.describeMismatch(verify, pid: pid, layout: layout))
                }
            }
            return .pass(note)
        } catch let error as ModuleError where error.kind == .notLoaded {
            return .fail("\(error)")
        } catch {
            return .fail("walking pid \(layout.pid): \(error)")
        }
    }

    static func describeMismatch(_ report: VerifyReport, pid: Int32, layout: ScenarioLayout) -> String {
        let who = pid == layout.pid ? "pid" : "pid2"
        if let first = report.mismatches.first(where: { $0.persistent == true }) ?? report.mismatches.first {
            let fields = first.differences.map { "\($0.field) module \($0.module) pagemap \($0.pagemap)" }.joined(separator: ", ")
            return "verify (\(who) \(pid)): \(report.persistentMismatches) persistent mismatch(es); first at "
                + "\(Hex.short(first.address)): \(fields)"
        }
        return "verify (\(who) \(pid)): VMAs differ from /proc/PID/maps: \(report.vmaDifferences.prefix(2).joined(separator: "; "))"
    }
}
