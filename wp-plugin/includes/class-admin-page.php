<?php
/**
 * The WooCommerce > Dockhand page.
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the page under the WooCommerce menu and enqueues the admin UI only there.
 */
class Dockhand_Admin_Page {

	const SLUG   = 'dockhand';
	const HANDLE = 'dockhand-admin';

	/**
	 * Hook suffix WordPress gave our page.
	 *
	 * @var string
	 */
	private $hook_suffix = '';

	/**
	 * Registers hooks.
	 *
	 * @return void
	 */
	public function hooks() {
		add_action( 'admin_menu', array( $this, 'register' ), 60 );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( DOCKHAND_WC_FILE ), array( $this, 'action_links' ) );
	}

	/**
	 * Adds WooCommerce > Dockhand for users who manage WooCommerce.
	 *
	 * @return void
	 */
	public function register() {
		$suffix            = add_submenu_page(
			'woocommerce',
			__( 'Dockhand', 'dockhand-for-woocommerce' ),
			__( 'Dockhand', 'dockhand-for-woocommerce' ),
			'manage_woocommerce',
			self::SLUG,
			array( $this, 'render' )
		);
		$this->hook_suffix = is_string( $suffix ) ? $suffix : '';
	}

	/**
	 * A "Settings" link on the Plugins screen.
	 *
	 * @param string[] $links Existing links.
	 * @return string[]
	 */
	public function action_links( $links ) {
		$url = admin_url( 'admin.php?page=' . self::SLUG );
		array_unshift( $links, sprintf( '<a href="%s">%s</a>', esc_url( $url ), esc_html__( 'Settings', 'dockhand-for-woocommerce' ) ) );
		return $links;
	}

	/**
	 * Enqueues the bundle with the dependencies and version from build/index.asset.php, on our page only.
	 *
	 * @param string $hook_suffix Current admin page.
	 * @return void
	 */
	public function enqueue( $hook_suffix ) {
		if ( '' === $this->hook_suffix || $hook_suffix !== $this->hook_suffix ) {
			return;
		}
		$asset_file = DOCKHAND_WC_DIR . 'build/index.asset.php';
		if ( ! file_exists( $asset_file ) ) {
			return;
		}
		$asset = require $asset_file;
		wp_enqueue_script(
			self::HANDLE,
			DOCKHAND_WC_URL . 'build/index.js',
			$asset['dependencies'],
			$asset['version'],
			true
		);
		wp_enqueue_style( 'wp-components' );
		if ( file_exists( DOCKHAND_WC_DIR . 'build/index.css' ) ) {
			wp_enqueue_style( self::HANDLE, DOCKHAND_WC_URL . 'build/index.css', array( 'wp-components' ), $asset['version'] );
		}
		wp_set_script_translations( self::HANDLE, 'dockhand-for-woocommerce', DOCKHAND_WC_DIR . 'languages' );

		// Read once from the return redirect of WooCommerce's key screen; sanitised, display only.
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$keys_return = isset( $_GET['dockhand_keys'] ) ? sanitize_key( wp_unslash( $_GET['dockhand_keys'] ) ) : '';
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$keys_success = isset( $_GET['success'] ) ? sanitize_key( wp_unslash( $_GET['success'] ) ) : '';
		wp_add_inline_script(
			self::HANDLE,
			'window.dockhandBoot = ' . wp_json_encode(
				array(
					'siteUrl'    => home_url( '/' ),
					'keysReturn' => 'returned' === $keys_return ? ( '1' === $keys_success ? 'approved' : 'denied' ) : '',
				)
			) . ';',
			'before'
		);
	}

	/**
	 * The page: a mount point for the admin UI.
	 *
	 * @return void
	 */
	public function render() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Dockhand.', 'dockhand-for-woocommerce' ) );
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Dockhand', 'dockhand-for-woocommerce' ) . '</h1>';
		echo '<div id="dockhand-root"><p>' . esc_html__( 'Loading…', 'dockhand-for-woocommerce' ) . '</p></div>';
		echo '<noscript><p>' . esc_html__( 'The Dockhand page needs JavaScript.', 'dockhand-for-woocommerce' ) . '</p></noscript></div>';
	}
}
