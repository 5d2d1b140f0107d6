import Foundation
import SystemPackage
import Testing
@testable import PgwalkKit

/// The traces recorded in each kernel of the matrix (`make fixtures`:
/// Fixtures/ for Debian 6.1, Fixtures/6.12/ and Fixtures/7.x/ for the
/// others): every kernel and paging mode has them, each says in its header
/// which kernel made it, and each replays through that kernel's walker.
@Suite struct KernelFixtureTests {
    /// Matrix name, folder under Fixtures/, the release's prefix, and the
    /// semantics its walker has.
    struct Kernel: Sendable, CustomStringConvertible {
        var name: String
        var folder: String
        var releasePrefix: String
        var semantics: WalkerSemantics
        var description: String { name }
    }

    static let kernels = [
        Kernel(name: "6.1", folder: "", releasePrefix: "6.1.0-", semantics: .linux6_1),
        Kernel(name: "6.12", folder: "6.12/", releasePrefix: "6.12.", semantics: .linux6_12),
        Kernel(name: "7.x", folder: "7.x/", releasePrefix: "7.", semantics: .linux7_3),
    ]

    static func traces(of kernel: Kernel) -> [String] {
        ["4level", "5level"].flatMap { mode in
            ["target-\(mode)-trace.pgw", "target-\(mode)-trace-seq.pgw", "big-\(mode)-trace-16k.pgw"]
                .map { kernel.folder + $0 }
        }
    }

    static func header(_ name: String) throws -> StreamHeader {
        let fd = try FileDescriptor.open(FilePath(FixtureTests.directory!.appendingPathComponent(name).path), .readOnly)
        return try fd.closeAfter { try StreamDecoder(source: FileDescriptorByteSource(fd)).header }
    }

    static func replay(_ name: String, semantics: WalkerSemantics? = nil) throws -> ConformanceReport {
        let fd = try FileDescriptor.open(FilePath(FixtureTests.directory!.appendingPathComponent(name).path), .readOnly)
        return try fd.closeAfter { try ConformanceReplay.run(source: FileDescriptorByteSource(fd), semantics: semantics) }
    }

    @Test(arguments: kernels)
    func eachKernelHasItsTracesAtBothPagingLevels(kernel: Kernel) {
        let names = Set(FixtureTests.names())
        for trace in Self.traces(of: kernel) {
            #expect(names.contains(trace), "missing \(trace): record it with make fixtures KERNELS=\(kernel.name)")
        }
    }

    /// The header names the kernel and its paging mode; the replay picks
    /// that kernel's walker, which makes the module's calls exactly.
    @Test(arguments: kernels)
    func eachTraceReplaysThroughItsKernelsWalker(kernel: Kernel) throws {
        for name in Self.traces(of: kernel) where FixtureTests.names().contains(name) {
            let header = try Self.header(name)
            #expect(header.isTrace)
            #expect(header.release.hasPrefix(kernel.releasePrefix), "\(name): \(header.release)")
            #expect(header.geometry.levels == (name.contains("5level") ? 5 : 4), "\(name)")
            // 6.5+ modules are built with walk_lock (the module's own probe).
            #expect(header.flags.contains(.walkLock) == kernel.semantics.hasWalkLock, "\(name)")

            let chosen = WalkerSemantics(linuxVersionCode: header.kernelVersion)
            #expect(WalkerSemanticsTests.behaviour(chosen) == WalkerSemanticsTests.behaviour(kernel.semantics), "\(name)")
            let report = try Self.replay(name)
            #expect(report.passed, "\(name): \(report)")
            #expect(report.semantics == chosen)
            #expect(report.walks >= 1 && report.expectedEvents > 100, "\(name)")
            if name.contains("16k") { #expect(report.walks > 1, "\(name): one walk_page_range() call only") }
        }
    }

    /// The module's ops let the walker descend into present tables only, so
    /// none of the differences between the walkers shows in its traces:
    /// every trace also replays through the other kernels' walkers.
    @Test(arguments: kernels)
    func theModulesTracesDoNotDependOnTheWalkersDifferences(kernel: Kernel) throws {
        for name in Self.traces(of: kernel) where FixtureTests.names().contains(name) {
            for other in Self.kernels.map(\.semantics) {
                let report = try Self.replay(name, semantics: other)
                #expect(report.passed, "\(name) with \(other): \(report)")
            }
        }
    }
}
