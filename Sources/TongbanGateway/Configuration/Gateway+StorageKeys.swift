import TongbanStorage

extension Gateway {
    /// What a reload did to the storage keys.
    enum StorageKeyReload: Equatable {
        case unchanged
        /// In force from the next write on; by key id only, never key material.
        case changed(String)
        /// Not applied, and why: the running keys stay.
        case refused(String)
    }

    /// Puts the reloaded configuration's storage keys in force (SIGHUP), so a rotation needs no
    /// restart: the new current key seals from the next write on, and the listed keys open.
    ///
    /// Refused when a key id kept its name but not its bytes (a key file overwritten with a new
    /// key): every record sealed with it would stop opening. A key id always names one key.
    func reloadStorageKeys(from configuration: GatewayConfiguration) -> StorageKeyReload {
        let running = store.keys, loaded = configuration.storageKeys
        for (id, key) in loaded.byID.sorted(by: { $0.key < $1.key }) {
            if let old = running.byID[id], !old.sameKey(as: key) {
                return .refused("key '\(id)' in \(key.file) is not the key '\(id)' the gateway runs with: a key id always names the same key; give a new key a new id")
            }
        }
        let sameKeys = Set(running.byID.keys) == Set(loaded.byID.keys)
        guard running.current?.id != loaded.current?.id || !sameKeys else { return .unchanged }
        store.useKeys(loaded)
        return .changed("storage.encryption (\(running.summary) → \(loaded.summary))")
    }
}
