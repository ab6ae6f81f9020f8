//! Files that hold password hashes, personal data or secrets are the service
//! user's alone: folders the service creates are `0700`, the SQLite database
//! and the generated signing secret `0600`. A file found readable by others is
//! tightened, with a warning. (On other platforms these are plain writes.)

use std::path::Path;

/// Creates `dir` and any missing parents, owner-only. An existing folder is
/// left as it is: it may be shared (`/tmp`) or chosen by the operator.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Makes sure `file` exists and only its owner can read or write it. SQLite
/// gives the `-wal` and `-shm` files the database file's mode.
pub fn ensure_file(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(file)?;
        let mode = std::fs::metadata(file)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %file.display(),
                mode = format!("{:o}", mode & 0o777),
                "the file was readable by others; made it owner-only (0600)"
            );
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(file)
            .map(|_| ())
    }
}

/// The SQLite database's side files (`-wal`, `-shm`, `-journal`) left by an
/// earlier run keep their own mode: made owner-only too.
pub fn tighten_side_files(database: &Path) -> std::io::Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = database.as_os_str().to_owned();
        side.push(suffix);
        let side = std::path::PathBuf::from(side);
        if side.exists() {
            ensure_file(&side)?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn created_folders_and_files_are_owner_only_and_loose_files_tightened() {
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let file = dir.join("coopera.db");
        ensure_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::write(&file, b"kept").unwrap();
        ensure_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"kept", "content untouched");
        let wal = dir.join("coopera.db-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
        tighten_side_files(&file).unwrap();
        assert_eq!(mode(&wal), 0o600);
    }
}
