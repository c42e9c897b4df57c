<?php
/**
 * Installs the test WordPress non-interactively (Dockhand e2e only):
 * php install.php <wordpress dir> <site url>  (database settings come from its wp-config.php).
 *
 * @package DockhandTest
 */

if ( 'cli' !== PHP_SAPI ) {
	exit( 1 );
}
$dockhand_dir = $argv[1];
$dockhand_url = $argv[2];
$parts        = parse_url( $dockhand_url );

$_SERVER['HTTP_HOST']   = $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
$_SERVER['REQUEST_URI'] = '/';
define( 'WP_INSTALLING', true );
/**
 * No mail on this test machine (pluggable: defined before WordPress defines its own).
 *
 * @return bool
 */
function wp_mail() {
	return true;
}
require $dockhand_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$result = wp_install( 'Dockhand E2E Shop', 'admin', 'admin@example.com', false, '', 'password' );
update_option( 'permalink_structure', '/%postname%/' );
$activated = activate_plugin( 'dockhand-test-woocommerce-stand-in/woocommerce-stand-in.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, $activated->get_error_message() . "\n" );
	exit( 1 );
}
echo 'installed user ' . (int) $result['user_id'] . "\n";
