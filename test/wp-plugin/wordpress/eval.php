<?php
/**
 * Runs PHP inside the test WordPress (Dockhand e2e only), standing in for `wp eval`:
 * php eval.php <wordpress dir> <site url> <code>. Prints what the code echoes.
 *
 * @package DockhandTest
 */

if ( 'cli' !== PHP_SAPI ) {
	exit( 1 );
}
$dockhand_parts         = parse_url( $argv[2] );
$_SERVER['HTTP_HOST']   = $dockhand_parts['host'] . ( isset( $dockhand_parts['port'] ) ? ':' . $dockhand_parts['port'] : '' );
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
eval( $argv[3] ); // phpcs:ignore Squiz.PHP.Eval.Discouraged -- test helper, code comes from the test.
