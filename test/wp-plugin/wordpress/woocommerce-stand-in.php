<?php
/**
 * Plugin Name: WooCommerce TEST STAND-IN (Dockhand e2e only)
 * Description: NOT WooCommerce. Test-only stand-in for the e2e of Dockhand for WooCommerce, because the real WooCommerce plugin can't be installed from the registries CI reaches. It provides exactly what the Dockhand plugin uses from WooCommerce and nothing more: the WooCommerce class and WC_VERSION (the "is WooCommerce active and new enough" check), the manage_woocommerce capability, and the "woocommerce" admin menu parent. The shop's REST API (/wp-json/wc/v3) is the WooCommerce simulator, reached through the test router (router.php), not this file.
 * Version: 0.0.0-test
 *
 * @package DockhandTest
 */

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WooCommerce' ) ) {
	/**
	 * Marker class only: the Dockhand plugin checks class_exists( 'WooCommerce' ).
	 */
	final class WooCommerce {} // phpcs:ignore Generic.Files.OneObjectStructurePerFile
}

if ( ! defined( 'WC_VERSION' ) ) {
	// Inside the plugin's supported range (8.x–10.x), set by the e2e through an option to test the "too old" notice.
	define( 'WC_VERSION', get_option( 'dockhand_test_wc_version', '9.9.0' ) );
}

add_action(
	'init',
	static function () {
		$role = get_role( 'administrator' );
		if ( $role && ! $role->has_cap( 'manage_woocommerce' ) ) {
			$role->add_cap( 'manage_woocommerce' );
		}
	}
);

add_action(
	'admin_menu',
	static function () {
		add_menu_page(
			'WooCommerce (test stand-in)',
			'WooCommerce',
			'manage_woocommerce',
			'woocommerce',
			static function () {
				echo '<div class="wrap"><h1>WooCommerce test stand-in</h1><p>Not WooCommerce: see the plugin description.</p></div>';
			},
			'dashicons-cart',
			55.5
		);
	}
);
