<?php
/**
 * Removes everything the plugin stored when it is deleted from Plugins > Installed Plugins.
 *
 * The connection on the hub is left alone: the hub belongs to the warehouse, not to this shop.
 *
 * @package Dockhand
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/class-options.php';

foreach ( Dockhand_Options::all_option_names() as $dockhand_option ) {
	delete_option( $dockhand_option );
}
delete_transient( Dockhand_Options::KEYS_STATE_TRANSIENT );
