<?php
/**
 * Plugin Name:          Dockhand for WooCommerce
 * Plugin URI:           https://github.com/dockhand/dockhand
 * Description:          Connects this shop to a Dockhand warehouse integration hub: orders go to the warehouse, stock and tracking come back.
 * Version:              0.1.0
 * Requires at least:    6.1
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * Author:               Dockhand contributors
 * License:              MIT
 * License URI:          https://opensource.org/licenses/MIT
 * Text Domain:          dockhand-for-woocommerce
 * Domain Path:          /languages
 * WC requires at least: 8.0
 * WC tested up to:      10.0
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

define( 'DOCKHAND_WC_VERSION', '0.1.0' );
define( 'DOCKHAND_WC_FILE', __FILE__ );
define( 'DOCKHAND_WC_DIR', plugin_dir_path( __FILE__ ) );
define( 'DOCKHAND_WC_URL', plugin_dir_url( __FILE__ ) );
/** Oldest WooCommerce the plugin supports (matches "WC requires at least"). */
define( 'DOCKHAND_WC_MIN_WC', '8.0' );

require_once DOCKHAND_WC_DIR . 'includes/class-options.php';
require_once DOCKHAND_WC_DIR . 'includes/class-hub-client.php';
require_once DOCKHAND_WC_DIR . 'includes/class-wc-keys.php';
require_once DOCKHAND_WC_DIR . 'includes/class-rest-controller.php';
require_once DOCKHAND_WC_DIR . 'includes/class-admin-page.php';

/*
 * Orders are only ever read through the hub (WooCommerce's REST API), never from the posts or
 * order tables, so the plugin works with High-Performance Order Storage on or off.
 * https://developer.woocommerce.com/docs/features/high-performance-order-storage/recipe-book/
 */
add_action(
	'before_woocommerce_init',
	static function () {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', DOCKHAND_WC_FILE, true );
		}
	}
);

add_action( 'plugins_loaded', 'dockhand_wc_init' );

/**
 * Starts the plugin once every plugin is loaded, or shows a notice when WooCommerce is missing or too old.
 *
 * @return void
 */
function dockhand_wc_init() {
	load_plugin_textdomain( 'dockhand-for-woocommerce', false, dirname( plugin_basename( DOCKHAND_WC_FILE ) ) . '/languages' );

	$problem = dockhand_wc_requirement_problem();
	if ( null !== $problem ) {
		add_action(
			'admin_notices',
			static function () use ( $problem ) {
				if ( current_user_can( 'activate_plugins' ) || current_user_can( 'manage_woocommerce' ) ) {
					printf( '<div class="notice notice-error"><p>%s</p></div>', esc_html( $problem ) );
				}
			}
		);
		return;
	}

	( new Dockhand_Rest_Controller( new Dockhand_Options() ) )->hooks();
	( new Dockhand_Admin_Page() )->hooks();
}

/**
 * Why the plugin can't run here, in one sentence, or null when WooCommerce is active and new enough.
 *
 * @return string|null
 */
function dockhand_wc_requirement_problem() {
	if ( ! class_exists( 'WooCommerce' ) || ! defined( 'WC_VERSION' ) ) {
		return __( 'Dockhand for WooCommerce needs WooCommerce. Install and activate WooCommerce, then open WooCommerce > Dockhand.', 'dockhand-for-woocommerce' );
	}
	if ( version_compare( WC_VERSION, DOCKHAND_WC_MIN_WC, '<' ) ) {
		return sprintf(
			/* translators: 1: required WooCommerce version, 2: installed WooCommerce version */
			__( 'Dockhand for WooCommerce needs WooCommerce %1$s or newer; this shop runs %2$s. Update WooCommerce to use Dockhand.', 'dockhand-for-woocommerce' ),
			DOCKHAND_WC_MIN_WC,
			WC_VERSION
		);
	}
	return null;
}
