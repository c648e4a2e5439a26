/**
 * The md personalities uraid implements: {@code linear}, {@code raid0}, {@code raid1} and
 * {@code raid10}, each split into a pure-arithmetic {@link io.uraid.core.spi.Layout} and a
 * {@link io.uraid.core.spi.RaidLevel} holding the rules (validation, degraded service).
 *
 * <p>Every layout puts member bytes exactly where Linux md puts them, so an array assembled by
 * uraid reads md's data and vice versa. The sources followed are the kernel's
 * {@code drivers/md/md-linear.c} ({@code linear_conf}), {@code raid0.c}
 * ({@code create_strip_zones}, {@code map_sector}), {@code raid1.c} ({@code raid1_size}) and
 * {@code raid10.c} ({@code setup_geo}, {@code calc_sectors}, {@code raid10_size},
 * {@code __raid10_find_phys}, {@code _enough}), and mdadm's {@code Create.c}/{@code util.c}
 * for defaults.
 *
 * <p>What {@link io.uraid.core.spi.Geometry#memberBytes()} must hold differs by level, because md
 * itself sizes them differently: linear and raid0 use each member's own data size (v1
 * superblock {@code data_size}, md's {@code rdev->sectors}); raid1 and raid10 use the array's
 * per-device size (superblock {@code size}, md's {@code mddev->dev_sectors}).
 */
package io.uraid.levels;
