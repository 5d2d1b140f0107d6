#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// `pgwalkctl load` / `unload`: loads the installed module with modprobe (or
/// a .ko file with insmod) when it is not loaded, mounts debugfs where it is
/// not, and checks the loaded module's versions against this client's.
public struct ModuleLoader {
    /// Runs modprobe, insmod and rmmod.
    public var runner: CommandRunner
    /// Where the module's debugfs files are.
    public var paths: ModulePaths
    /// Where debugfs is mounted.
    public var debugfs: String

    /// A loader running commands with `runner`.
    public init(runner: CommandRunner = SpawnedCommandRunner(), paths: ModulePaths = .default) {
        self.runner = runner
        self.paths = paths
        self.debugfs = String(paths.directory.dropLast("/pgwalk".count))
    }

    /// What `load` did.
    public enum Outcome: Sendable, Equatable {
        case loaded(String)
        case alreadyLoaded
    }

    /// Whether /proc/modules lists pgwalk.
    public static var isLoaded: Bool { procText("/proc/modules").split(separator: "\n").contains { $0.hasPrefix("pgwalk ") } }

    /// Whether a debugfs is mounted at `directory`.
    public static func debugfsMounted(at directory: String) -> Bool {
        procText("/proc/mounts").split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == directory && fields[2] == "debugfs"
        }
    }

    /// Loads the module (`modprobe pgwalk`, or `insmod FILE` with `file`)
    /// unless it is loaded, mounts debugfs, and requires the versions to agree.
    public func load(file: String? = nil, parameters: [String] = []) throws -> Outcome {
        guard access("/proc/modules", F_OK) == 0 else {
            throw LoadError("this kernel (\(SystemReport.kernelRelease)) cannot load modules (no /proc/modules)")
        }
        guard geteuid() == 0 else {
            throw LoadError("loading a module needs root: run 'sudo pgwalkctl load'", needsRoot: true)
        }
        try mountDebugfs()
        var outcome = Outcome.alreadyLoaded
        if !Self.isLoaded {
            let command = file.map { ["insmod", $0] + parameters } ?? ["modprobe", "pgwalk"] + parameters
            let result = runner.run(command)
            guard result.status == 0 else { throw failure(of: command, output: result.output, file: file) }
            outcome = .loaded(command.joined(separator: " "))
        }
        let info: ModuleInfo
        do {
            info = try ModuleInfo.read(paths: paths)
        } catch {
            throw LoadError("pgwalk is loaded but \(paths.info) cannot be read (\(error))")
        }
        try VersionCheck(info: info).require()
        return outcome
    }

    /// `rmmod pgwalk`; false when it was not loaded.
    public func unload() throws -> Bool {
        guard Self.isLoaded else { return false }
        guard geteuid() == 0 else {
            throw LoadError("unloading a module needs root: run 'sudo pgwalkctl unload'", needsRoot: true)
        }
        let result = runner.run(["rmmod", "pgwalk"])
        guard result.status == 0 else {
            throw LoadError("'rmmod pgwalk' failed: \(result.output)"
                + (result.output.contains("in use") ? " (a walk is still open; end it first)" : ""))
        }
        return true
    }

    private func mountDebugfs() throws {
        guard !Self.debugfsMounted(at: debugfs) else { return }
        guard mount("debugfs", debugfs, "debugfs", 0, nil) == 0 else {
            let err = Errno(rawValue: errno)
            throw LoadError("cannot mount debugfs at \(debugfs) (\(err)): run 'sudo mount -t debugfs none \(debugfs)'")
        }
    }

    /// Why modprobe or insmod failed, in the terms of what to do next.
    func failure(of command: [String], output: String, file: String?, lockdown: KernelLockdown = .current) -> Error {
        let said = output.isEmpty ? "" : ": \(output)"
        let ran = command.joined(separator: " ")
        if lockdown.isActive {
            return ModuleError(kind: .lockedDown, errno: nil, operation: "'\(ran)'\(said)", lockdown: lockdown)
        }
        if output.contains("Key was rejected") || output.contains("Required key not available") {
            return LoadError("'\(ran)' failed\(said): the kernel requires signed modules (module.sig_enforce "
                + "or Secure Boot); sign the module with a MOK-enrolled key, as DKMS does (kmod/README.md)")
        }
        if file == nil && (output.contains("not found") || output.contains("FATAL: Module")) {
            return LoadError("'\(ran)' failed\(said): pgwalk is not installed for \(SystemReport.kernelRelease). "
                + "Install it with 'sudo make install' (or 'sudo make dkms-install') from the pgwalk source, "
                + "or load a built module with 'sudo pgwalkctl load --module build/kmod/$(uname -r)/pgwalk.ko'")
        }
        return LoadError("'\(ran)' failed\(said); see dmesg")
    }

    private static func procText(_ path: String) -> String {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else { return "" }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while let n = try? chunk.withUnsafeMutableBytes({ try fd.read(into: $0) }), n > 0 {
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A load or unload that failed for a reason the message states in full.
public struct LoadError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Refused because the caller is not root (exit 4, not 7).
    public var needsRoot: Bool
    /// A load error with its full message.
    public init(_ description: String, needsRoot: Bool = false) {
        self.description = description
        self.needsRoot = needsRoot
    }
}
